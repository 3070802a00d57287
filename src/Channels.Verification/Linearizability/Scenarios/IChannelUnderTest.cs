using System;
using System.Threading;
using System.Threading.Tasks;

namespace Sluice.Verification.Linearizability;

/// <summary>
/// An adapter from the scenario vocabulary (<see cref="ChannelOp"/>) to a concrete channel. Write one per
/// channel and per build (the release build for stress mode, the checked build for model mode).
/// </summary>
/// <remarks>
/// <para>Map every documented outcome to a <see cref="ChannelResult"/> (a closed-channel exception to
/// <see cref="ChannelOutcome.Closed"/>, an <see cref="OperationCanceledException"/> to
/// <see cref="ChannelOutcome.Cancelled"/>); let anything else escape: the harness records it as
/// <see cref="ChannelOutcome.Threw"/>, which is never linearizable.</para>
/// <para>In model mode, never use <c>ConfigureAwait(false)</c> in the adapter: continuations must go through
/// the model's synchronisation context or the shim's dispatcher, or they escape the checker.</para>
/// </remarks>
public interface IChannelUnderTest
{
    /// <summary>Performs <paramref name="operation"/> on the channel.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="cancellationToken">The token of the operation (<see cref="CancellationToken.None"/> unless <see cref="ChannelOp.Token"/> is set).</param>
    /// <returns>What it returned.</returns>
    ValueTask<ChannelResult> ExecuteAsync(ChannelOp operation, CancellationToken cancellationToken);
}

/// <summary>A channel implementation under test: a name, a factory per capacity, and what its specification is.</summary>
public sealed class ChannelSubject
{
    /// <summary>Creates the subject.</summary>
    /// <param name="name">A name for reports.</param>
    /// <param name="create">Creates a fresh channel of the given capacity (called once per execution).</param>
    public ChannelSubject(string name, Func<int, IChannelUnderTest> create)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(create);
        Name = name;
        Create = create;
    }

    /// <summary>A name for reports.</summary>
    public string Name { get; }

    /// <summary>Creates a fresh channel of the given capacity.</summary>
    public Func<int, IChannelUnderTest> Create { get; }

    /// <summary>The relaxations of the FIFO specification this channel documents. Default strict.</summary>
    public ChannelSpecificationOptions Specification { get; init; } = ChannelSpecificationOptions.Strict;

    /// <summary>
    /// Whether the harness may close the channel after a quiescence point to release operations that are
    /// legitimately blocked (a sender close, <see cref="ChannelOpKind.Close"/>). Default true. Without it, a
    /// scenario whose operations stay blocked cannot finish.
    /// </summary>
    public bool CloseReleasesWaiters { get; init; } = true;

    /// <inheritdoc />
    public override string ToString() => Name;
}
