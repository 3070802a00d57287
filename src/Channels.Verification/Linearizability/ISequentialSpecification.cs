namespace Sluice.Verification.Linearizability;

/// <summary>
/// The sequential specification a concurrent object is checked against: a state machine whose steps accept
/// or reject one operation with its observed output.
/// </summary>
/// <typeparam name="TState">The model state. It must have value equality (<see cref="object.Equals(object)"/>
/// and <see cref="object.GetHashCode"/>): the checker caches (linearized set, state) configurations.</typeparam>
/// <typeparam name="TInput">Operation input.</typeparam>
/// <typeparam name="TOutput">Operation output.</typeparam>
/// <remarks>
/// Operations that may block, be resumed later, time out or be cancelled (Lincheck's dual operations) are
/// described by their outcome: a completed wait is a step at the point where it could complete; a timed-out or
/// cancelled wait is a step with no effect; a wait still blocked at a <see cref="QuiescencePoint"/> is
/// checked with <see cref="MayRemainBlocked"/>.
/// </remarks>
public interface ISequentialSpecification<TState, TInput, TOutput>
{
    /// <summary>The state before any operation.</summary>
    TState InitialState { get; }

    /// <summary>
    /// Applies <paramref name="operation"/> in <paramref name="state"/>: returns whether its output is possible
    /// there and, if so, the state after it. Must be a pure function.
    /// </summary>
    /// <param name="state">The state before.</param>
    /// <param name="operation">The operation, with its output and interval (a specification may use the interval, for instance to allow a documented relaxation while another operation is in flight).</param>
    /// <param name="next">The state after.</param>
    /// <returns>Whether the output is possible.</returns>
    bool TryApply(TState state, HistoryOperation<TInput, TOutput> operation, out TState next);

    /// <summary>
    /// Whether <paramref name="operation"/>, invoked but not yet linearized, may still be blocked in
    /// <paramref name="state"/> at time <paramref name="time"/> (a quiescence point). False means it should have completed.
    /// </summary>
    /// <param name="state">The state.</param>
    /// <param name="operation">The pending operation (its output is what it eventually returned).</param>
    /// <param name="time">The quiescence time.</param>
    /// <returns>Whether blocking is allowed.</returns>
    bool MayRemainBlocked(TState state, HistoryOperation<TInput, TOutput> operation, long time);

    /// <summary>The state, for reports.</summary>
    /// <param name="state">The state.</param>
    /// <returns>A short description.</returns>
    string Describe(TState state);

    /// <summary>Why <paramref name="operation"/>'s output is impossible in <paramref name="state"/> (for reports); null if unknown.</summary>
    /// <param name="state">The state.</param>
    /// <param name="operation">The rejected operation.</param>
    /// <returns>A short explanation, or null.</returns>
    string? Explain(TState state, HistoryOperation<TInput, TOutput> operation) => null;
}
