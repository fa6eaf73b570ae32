using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.LearnedOptimizers.BlackBox;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.Tests.Tuners;

/// <summary>The learned tuner with a network of the relative-inputs-and-shrinking-scale design (file format version 2): the tuner contract.</summary>
public sealed class LearnedBlackBoxDesignTunerTests : TunerContractTests
{
    private static readonly Lazy<BlackBoxLstm> Network = new(() => BlackBoxLstm.Create(hiddenSize: 8, seed: 5, design: BlackBoxLstmDesign.RelativeInputsAndShrinkingScale));

    protected override ITuner CreateTuner(SearchSpace space, int seed) => new LearnedBlackBoxTuner(space, seed, Network.Value);
}
