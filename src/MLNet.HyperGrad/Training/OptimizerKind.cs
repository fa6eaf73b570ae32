namespace MLNet.HyperGrad.Training;

/// <summary>The optimizers the trainer can run.</summary>
public enum OptimizerKind
{
    /// <summary>SGD with momentum (<see cref="SgdMomentum"/>).</summary>
    SgdMomentum,

    /// <summary>Adam (<see cref="Adam"/>).</summary>
    Adam,
}
