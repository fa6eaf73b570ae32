namespace MLNet.HyperGrad.Hypernetworks;

/// <summary>How <see cref="HypernetworkSearch"/> trains the hypernetwork and moves the hyperparameters (Lorraine and Duvenaud 2018).</summary>
public enum HypernetworkMode
{
    /// <summary>Global best response (their Algorithm 1): train the hypernetwork with λ drawn uniformly from the whole box, then descend on λ through the trained hypernetwork.</summary>
    Global,

    /// <summary>Local best response, joint optimization (their Algorithm 2): alternate hypernetwork steps with λ drawn near the current λ and steps on λ.</summary>
    Local,
}
