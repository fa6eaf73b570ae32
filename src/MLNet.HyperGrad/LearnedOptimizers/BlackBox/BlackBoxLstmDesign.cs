namespace MLNet.HyperGrad.LearnedOptimizers.BlackBox;

/// <summary>What a <see cref="BlackBoxLstm"/> reads and how it turns its state into a step (issue 14's structural variants).</summary>
/// <remarks>
/// <para><see cref="Original"/> is the design of the network shipped until 2026-12-05 (file format version 1); the shipped
/// network is now a <see cref="ShrinkingScale"/> one. The designs other than <see cref="Original"/> are written in format
/// version 2, which records the design; version 1 files keep loading as <see cref="Original"/>.</para>
/// <para>The relative inputs, after n observations, per coordinate i: d_i = x_i − b_i (the last observation's signed
/// distance to the incumbent, 0 when it became the incumbent), ln(1 + s) / ln 51 with s the observations since the
/// incumbent was found (0 right after an improvement), and the step fraction τ = min(n / 50, 1).</para>
/// <para>The shrinking scale multiplies the read-out's step scale by exp(−γ τ) with γ = softplus(g), g one learned
/// weight (<c>out.decay</c>, initially γ = ln 10: the step shrinks tenfold over 50 trials before training), and τ the step
/// fraction at the proposal: large steps early (exploration), small ones late (refinement around the incumbent).</para>
/// </remarks>
public enum BlackBoxLstmDesign
{
    /// <summary>Five inputs per coordinate (x_i, b_i, the value's rank, the improvement flag, ln(1 + n) / ln 51) and the plain read-out.</summary>
    Original = 0,

    /// <summary>The five inputs plus the three relative ones (distance to the incumbent, steps since the last improvement, step fraction); the plain read-out.</summary>
    RelativeInputs = 1,

    /// <summary>The five inputs; the read-out's step scale shrinks with the step fraction.</summary>
    ShrinkingScale = 2,

    /// <summary>The relative inputs and the shrinking scale together.</summary>
    RelativeInputsAndShrinkingScale = 3,
}
