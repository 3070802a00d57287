using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Sluice.Channels.Mpsc;
using Xunit;

namespace Sluice.Channels.Tests.Unit;

/// <summary>
/// A pending operation's ValueTask reports a status (IsCompletedSuccessfully / IsFaulted / IsCanceled) before
/// its result is read; awaiters such as <c>Task.WhenAll</c> and the BCL's own helpers act on that status alone.
/// Every shape must report the status its result agrees with, for every way the wait can end.
/// </summary>
public class StatusViewTests
{
    /// <summary>How a pending wait ends.</summary>
    public enum Ending
    {
        ClosedWithoutError,
        ClosedWithError,
        ClosedWithCancellation,
        TokenCanceled,
    }

    private static void End(Channel<int> channel, Ending ending, CancellationTokenSource cts)
    {
        switch (ending)
        {
            case Ending.ClosedWithoutError: channel.Writer.TryComplete(); break;
            case Ending.ClosedWithError: channel.Writer.TryComplete(new TimeoutException("the producer failed")); break;
            case Ending.ClosedWithCancellation: channel.Writer.TryComplete(new OperationCanceledException("the producer was canceled")); break;
            default: cts.Cancel(); break;
        }
    }

    [Theory]
    [InlineData(Ending.ClosedWithoutError)]
    [InlineData(Ending.ClosedWithError)]
    [InlineData(Ending.ClosedWithCancellation)]
    [InlineData(Ending.TokenCanceled)]
    public Task A_pending_ReadAsync_and_WaitToReadAsync_report_the_BCL_status(Ending ending) =>
        BclParity.AssertSameAsBcl(2, async (ch, log) =>
        {
            using var cts = new CancellationTokenSource();
            var read = ch.Reader.ReadAsync(cts.Token);
            End(ch, ending, cts);
            await log.Await("ReadAsync", Observe(log, "ReadAsync status", read));

            using var cts2 = new CancellationTokenSource();
            var ch2 = ch is MpscChannel<int> ? MpscChannel.CreateBounded<int>(2) : (Channel<int>)Channel.CreateBounded<int>(2);
            var wait = ch2.Reader.WaitToReadAsync(cts2.Token);
            End(ch2, ending, cts2);
            await log.Await("WaitToReadAsync", Observe(log, "WaitToReadAsync status", wait));
        });

    [Theory]
    [InlineData(Ending.ClosedWithoutError)]
    [InlineData(Ending.ClosedWithError)]
    [InlineData(Ending.ClosedWithCancellation)]
    [InlineData(Ending.TokenCanceled)]
    public Task A_pending_WriteAsync_and_WaitToWriteAsync_report_the_BCL_status(Ending ending) =>
        BclParity.AssertSameAsBcl(1, async (ch, log) =>
        {
            using var cts = new CancellationTokenSource();
            log.Add("TryWrite 0", ch.Writer.TryWrite(0));
            var write = ch.Writer.WriteAsync(1, cts.Token);
            End(ch, ending, cts);
            await log.Await("WriteAsync", Observe(log, "WriteAsync status", write));

            using var cts2 = new CancellationTokenSource();
            var ch2 = ch is MpscChannel<int> ? MpscChannel.CreateBounded<int>(1) : (Channel<int>)Channel.CreateBounded<int>(1);
            log.Add("TryWrite 0", ch2.Writer.TryWrite(0));
            var wait = ch2.Writer.WaitToWriteAsync(cts2.Token);
            End(ch2, ending, cts2);
            await log.Await("WaitToWriteAsync", Observe(log, "WaitToWriteAsync status", wait));
        });

    [Fact]
    public Task A_pending_wait_that_succeeds_reports_success_in_every_adapter_shape() =>
        BclParity.AssertSameAsBcl(1, async (ch, log) =>
        {
            var read = ch.Reader.ReadAsync();
            log.Add("TryWrite 1", ch.Writer.TryWrite(1));
            await log.Await("ReadAsync", Observe(log, "ReadAsync status", read));
            var waitToRead = ch.Reader.WaitToReadAsync();
            log.Add("TryWrite 2", ch.Writer.TryWrite(2));
            await log.Await("WaitToReadAsync", Observe(log, "WaitToReadAsync status", waitToRead));
            var write = ch.Writer.WriteAsync(3);
            log.Add("TryRead", ch.Reader.TryRead(out var two) ? two : -1);
            await log.Await("WriteAsync", Observe(log, "WriteAsync status", write));
            var waitToWrite = ch.Writer.WaitToWriteAsync();
            log.Add("TryRead", ch.Reader.TryRead(out var three) ? three : -1);
            await log.Await("WaitToWriteAsync", Observe(log, "WaitToWriteAsync status", waitToWrite));
        },
        "TryWrite 1: true", "ReadAsync status: Succeeded", "ReadAsync: 1", "TryWrite 2: true", "WaitToReadAsync status: Succeeded",
        "WaitToReadAsync: true", "TryRead: 2", "WriteAsync status: Succeeded", "WriteAsync: done", "TryRead: 3",
        "WaitToWriteAsync status: Succeeded", "WaitToWriteAsync: true");

    [Theory]
    [InlineData(Ending.ClosedWithoutError)]
    [InlineData(Ending.ClosedWithError)]
    [InlineData(Ending.ClosedWithCancellation)]
    public async Task The_status_shapes_report_success_with_Closed_however_the_channel_was_closed(Ending ending)
    {
        using var cts = new CancellationTokenSource();
        var full = MpscChannel.CreateBounded<int>(1);
        Assert.Equal(SendStatus.Sent, full.Sender.TrySend(0));
        var send = full.Sender.SendAsync(1, TimeSpan.FromMinutes(5), cts.Token);
        var empty = MpscChannel.CreateBounded<int>(1);
        var receive = empty.Receiver.ReceiveAsync(TimeSpan.FromMinutes(5), cts.Token);
        End(full, ending, cts);
        End(empty, ending, cts);

        Assert.Equal(SendStatus.Closed, await Succeeds(send));
        Assert.Equal(new ReceiveResult<int>(ReceiveStatus.Closed, 0), await Succeeds(receive));
    }

    [Fact]
    public async Task The_status_shapes_report_a_completed_wait_as_success()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        var receive = channel.Receiver.ReceiveAsync(TimeSpan.FromMinutes(5));
        Assert.Equal(SendStatus.Sent, channel.Sender.TrySend(7));
        Assert.Equal(new ReceiveResult<int>(ReceiveStatus.Received, 7), await Succeeds(receive));

        Assert.Equal(SendStatus.Sent, channel.Sender.TrySend(8));
        var send = channel.Sender.SendAsync(9, TimeSpan.FromMinutes(5));
        Assert.Equal(ReceiveStatus.Received, channel.Receiver.TryReceive(out var eight));
        Assert.Equal(8, eight);
        Assert.Equal(SendStatus.Sent, await Succeeds(send));
    }

    [Fact]
    public async Task The_status_shapes_report_cancellation_as_canceled_and_a_timeout_as_success()
    {
        using var cts = new CancellationTokenSource();
        var channel = MpscChannel.CreateBounded<int>(1);
        Assert.True(channel.Sender.TrySend(0) == SendStatus.Sent);
        var canceledSend = channel.Sender.SendAsync(1, TimeSpan.FromMinutes(5), cts.Token);
        var timedOutSend = channel.Sender.SendAsync(2, TimeSpan.FromMilliseconds(1));
        var empty = MpscChannel.CreateBounded<int>(1);
        var canceledReceive = empty.Receiver.ReceiveAsync(TimeSpan.FromMinutes(5), cts.Token);
        cts.Cancel();

        await IsCanceled(canceledSend);
        await IsCanceled(canceledReceive);
        Assert.Equal(SendStatus.TimedOut, await Succeeds(timedOutSend));
        Assert.Equal(new ReceiveResult<int>(ReceiveStatus.TimedOut, 0), await Succeeds(empty.Receiver.ReceiveAsync(TimeSpan.FromMilliseconds(1))));
    }

    /// <summary>Waits until the operation completes, logs the status it reports, and returns it for awaiting.</summary>
    private static ValueTask<T> Observe<T>(Observations log, string what, ValueTask<T> operation)
    {
        TestSupport.SpinUntil(() => operation.IsCompleted, what);
        log.Add(what, StatusOf(operation.IsCompletedSuccessfully, operation.IsFaulted, operation.IsCanceled));
        return operation;
    }

    private static ValueTask Observe(Observations log, string what, ValueTask operation)
    {
        TestSupport.SpinUntil(() => operation.IsCompleted, what);
        log.Add(what, StatusOf(operation.IsCompletedSuccessfully, operation.IsFaulted, operation.IsCanceled));
        return operation;
    }

    private static string StatusOf(bool succeeded, bool faulted, bool canceled) =>
        succeeded ? "Succeeded" : faulted ? "Faulted" : canceled ? "Canceled" : "Pending";

    private static async Task<T> Succeeds<T>(ValueTask<T> operation)
    {
        TestSupport.SpinUntil(() => operation.IsCompleted, "the operation completes");
        Assert.True(operation.IsCompletedSuccessfully, "status: " + StatusOf(operation.IsCompletedSuccessfully, operation.IsFaulted, operation.IsCanceled));
        return await operation;
    }

    private static async Task IsCanceled<T>(ValueTask<T> operation)
    {
        TestSupport.SpinUntil(() => operation.IsCompleted, "the operation completes");
        Assert.True(operation.IsCanceled, "status: " + StatusOf(operation.IsCompletedSuccessfully, operation.IsFaulted, operation.IsCanceled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await operation);
    }
}
