using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Xunit;

namespace Sluice.Channels.Tests.Unit;

/// <summary>The adapters against the same expectations as the BCL bounded channel (each scenario runs on both).</summary>
public class BclParityTests
{
    [Fact]
    public Task Try_operations_capacity_count_and_peek() =>
        BclParity.AssertSameAsBcl(2, async (ch, log) =>
        {
            log.Add("CanCount", ch.Reader.CanCount);
            log.Add("CanPeek", ch.Reader.CanPeek);
            log.Add("TryWrite 1", ch.Writer.TryWrite(1));
            log.Add("TryWrite 2", ch.Writer.TryWrite(2));
            log.Add("TryWrite 3", ch.Writer.TryWrite(3));
            log.Add("Count", ch.Reader.Count);
            log.Add("TryPeek", ch.Reader.TryPeek(out var peeked) ? peeked : -1);
            log.Add("TryRead", ch.Reader.TryRead(out var a) ? a : -1);
            log.Add("TryRead", ch.Reader.TryRead(out var b) ? b : -1);
            log.Add("TryRead", ch.Reader.TryRead(out _));
            log.Add("TryPeek", ch.Reader.TryPeek(out _));
            log.Add("Count", ch.Reader.Count);
            await Task.CompletedTask;
        },
        "CanCount: true", "CanPeek: true", "TryWrite 1: true", "TryWrite 2: true", "TryWrite 3: false", "Count: 2",
        "TryPeek: 1", "TryRead: 1", "TryRead: 2", "TryRead: false", "TryPeek: false", "Count: 0");

    [Fact]
    public Task WriteAsync_waits_while_full_and_writers_are_served_in_order() =>
        BclParity.AssertSameAsBcl(1, async (ch, log) =>
        {
            log.Add("TryWrite 0", ch.Writer.TryWrite(0));
            var w1 = ch.Writer.WriteAsync(1);
            var w2 = ch.Writer.WriteAsync(2);
            log.Add("w1 pending", !w1.IsCompleted);
            log.Add("w2 pending", !w2.IsCompleted);
            await log.Await("ReadAsync", ch.Reader.ReadAsync());
            await log.Await("w1", w1);
            await log.Await("ReadAsync", ch.Reader.ReadAsync());
            await log.Await("w2", w2);
            await log.Await("ReadAsync", ch.Reader.ReadAsync());
            log.Add("Count", ch.Reader.Count);
        },
        "TryWrite 0: true", "w1 pending: true", "w2 pending: true", "ReadAsync: 0", "w1: done", "ReadAsync: 1", "w2: done", "ReadAsync: 2", "Count: 0");

    [Fact]
    public Task ReadAsync_and_WaitToReadAsync_wait_for_a_write() =>
        BclParity.AssertSameAsBcl(2, async (ch, log) =>
        {
            var read = ch.Reader.ReadAsync();
            log.Add("read pending", !read.IsCompleted);
            log.Add("TryWrite 5", ch.Writer.TryWrite(5));
            await log.Await("read", read);
            var wait = ch.Reader.WaitToReadAsync();
            log.Add("wait pending", !wait.IsCompleted);
            await log.Await("WriteAsync 6", ch.Writer.WriteAsync(6));
            await log.Await("wait", wait);
            log.Add("TryRead", ch.Reader.TryRead(out var item) ? item : -1);
        },
        "read pending: true", "TryWrite 5: true", "read: 5", "wait pending: true", "WriteAsync 6: done", "wait: true", "TryRead: 6");

    [Fact]
    public Task WaitToWriteAsync_waits_for_room_and_reports_completion() =>
        BclParity.AssertSameAsBcl(1, async (ch, log) =>
        {
            await log.Await("WaitToWrite (room)", ch.Writer.WaitToWriteAsync());
            log.Add("TryWrite 1", ch.Writer.TryWrite(1));
            var wait = ch.Writer.WaitToWriteAsync();
            log.Add("wait pending", !wait.IsCompleted);
            log.Add("TryRead", ch.Reader.TryRead(out var item) ? item : -1);
            await log.Await("wait", wait);
            log.Add("Count", ch.Reader.Count);
            log.Add("TryWrite 2", ch.Writer.TryWrite(2));
            var blocked = ch.Writer.WaitToWriteAsync();
            log.Add("TryComplete", ch.Writer.TryComplete());
            await log.Await("blocked WaitToWrite at completion", blocked);
            await log.Await("WaitToWrite after completion", ch.Writer.WaitToWriteAsync());
        },
        "WaitToWrite (room): true", "TryWrite 1: true", "wait pending: true", "TryRead: 1", "wait: true", "Count: 0",
        "TryWrite 2: true", "TryComplete: true", "blocked WaitToWrite at completion: false", "WaitToWrite after completion: false");

    [Fact]
    public Task Completion_waits_for_the_drain_and_reads_see_the_items_first() =>
        BclParity.AssertSameAsBcl(3, async (ch, log) =>
        {
            ch.Writer.TryWrite(1);
            ch.Writer.TryWrite(2);
            log.Add("TryComplete", ch.Writer.TryComplete());
            log.Add("Completion", ch.Reader.Completion.IsCompleted);
            log.Add("TryWrite", ch.Writer.TryWrite(3));
            await log.Await("WaitToRead", ch.Reader.WaitToReadAsync());
            await log.Await("ReadAsync", ch.Reader.ReadAsync());
            log.Add("Completion", ch.Reader.Completion.IsCompleted);
            log.Add("TryRead", ch.Reader.TryRead(out var item) ? item : -1);
            log.Add("Completion", ch.Reader.Completion.IsCompleted); // completes on the read that drains it
            await log.Await("await Completion", ch.Reader.Completion);
            await log.Await("WaitToRead", ch.Reader.WaitToReadAsync());
            await log.Await("ReadAsync", ch.Reader.ReadAsync());
            log.Add("TryRead", ch.Reader.TryRead(out _));
            log.Add("Count", ch.Reader.Count);
        },
        "TryComplete: true", "Completion: false", "TryWrite: false", "WaitToRead: true", "ReadAsync: 1", "Completion: false",
        "TryRead: 2", "Completion: true", "await Completion: done", "WaitToRead: false", "ReadAsync: throws ChannelClosedException",
        "TryRead: false", "Count: 0");

    [Fact]
    public Task Completing_an_empty_channel_completes_at_once() =>
        BclParity.AssertSameAsBcl(2, async (ch, log) =>
        {
            log.Add("TryComplete", ch.Writer.TryComplete());
            log.Add("Completion", ch.Reader.Completion.Status);
            log.Add("TryComplete again", ch.Writer.TryComplete());
            log.Try("Complete again", () => ch.Writer.Complete());
            await log.Await("WriteAsync", ch.Writer.WriteAsync(1));
            log.Add("TryWrite", ch.Writer.TryWrite(1));
        },
        "TryComplete: true", "Completion: RanToCompletion", "TryComplete again: false", "Complete again: throws ChannelClosedException",
        "WriteAsync: throws ChannelClosedException", "TryWrite: false");

    [Fact]
    public Task Completion_with_an_error_surfaces_as_the_BCL_does() =>
        BclParity.AssertSameAsBcl(2, async (ch, log) =>
        {
            ch.Writer.TryWrite(1);
            log.Add("TryComplete(error)", ch.Writer.TryComplete(new TimeoutException()));
            await log.Await("WriteAsync", ch.Writer.WriteAsync(2));
            await log.Await("WaitToWrite", ch.Writer.WaitToWriteAsync());
            await log.Await("ReadAsync", ch.Reader.ReadAsync());
            await log.Await("ReadAsync", ch.Reader.ReadAsync());
            await log.Await("WaitToRead", ch.Reader.WaitToReadAsync());
            log.Add("Completion", ch.Reader.Completion.Status);
            await log.Await("await Completion", ch.Reader.Completion);
            try
            {
                await foreach (var item in ch.Reader.ReadAllAsync())
                    log.Add("ReadAll", item);
            }
            catch (Exception e)
            {
                log.Add("ReadAll", Observations.Describe(e));
            }
        },
        "TryComplete(error): true", "WriteAsync: throws ChannelClosedException(TimeoutException)", "WaitToWrite: throws TimeoutException",
        "ReadAsync: 1", "ReadAsync: throws ChannelClosedException(TimeoutException)", "WaitToRead: throws TimeoutException",
        "Completion: Faulted", "await Completion: throws TimeoutException", "ReadAll: throws TimeoutException");

    [Fact]
    public Task Completion_with_an_OperationCanceledException_cancels() =>
        BclParity.AssertSameAsBcl(2, async (ch, log) =>
        {
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            log.Add("TryComplete(OCE)", ch.Writer.TryComplete(new OperationCanceledException(cts.Token)));
            await log.Await("WriteAsync", ch.Writer.WriteAsync(2));
            await log.Await("WaitToWrite", ch.Writer.WaitToWriteAsync());
            await log.Await("ReadAsync", ch.Reader.ReadAsync());
            await log.Await("WaitToRead", ch.Reader.WaitToReadAsync());
            log.Add("Completion", ch.Reader.Completion.Status);
        },
        "TryComplete(OCE): true", "WriteAsync: throws OperationCanceledException", "WaitToWrite: throws OperationCanceledException",
        "ReadAsync: throws TaskCanceledException", "WaitToRead: throws OperationCanceledException", "Completion: Canceled");

    [Fact]
    public Task Waiting_operations_are_released_by_completion() =>
        BclParity.AssertSameAsBcl(1, async (ch, log) =>
        {
            var read = ch.Reader.ReadAsync();
            log.Add("read pending", !read.IsCompleted);
            log.Add("TryWrite 1", ch.Writer.TryWrite(1));
            await log.Await("read", read);
            var waitRead = ch.Reader.WaitToReadAsync();
            ch.Writer.TryWrite(2);
            var write = ch.Writer.WriteAsync(3);
            var waitWrite = ch.Writer.WaitToWriteAsync();
            log.Add("write pending", !write.IsCompleted);
            log.Add("waitWrite pending", !waitWrite.IsCompleted);
            await log.Await("waitRead", waitRead);
            log.Add("TryComplete", ch.Writer.TryComplete());
            await log.Await("blocked write at completion", write);
            await log.Await("blocked WaitToWrite at completion", waitWrite);
            log.Add("TryRead", ch.Reader.TryRead(out var item) ? item : -1);
            var blockedRead = ch.Reader.ReadAsync();
            await log.Await("read after drain", blockedRead);
        },
        "read pending: true", "TryWrite 1: true", "read: 1", "write pending: true", "waitWrite pending: true", "waitRead: true",
        "TryComplete: true", "blocked write at completion: throws ChannelClosedException", "blocked WaitToWrite at completion: false",
        "TryRead: 2", "read after drain: throws ChannelClosedException");

    [Fact]
    public Task A_waiting_read_is_released_by_completion_with_an_error() =>
        BclParity.AssertSameAsBcl(1, async (ch, log) =>
        {
            var read = ch.Reader.ReadAsync();
            log.Add("TryComplete(error)", ch.Writer.TryComplete(new InvalidCastException()));
            await log.Await("read", read);
            await log.Await("Completion", ch.Reader.Completion);
        },
        "TryComplete(error): true", "read: throws ChannelClosedException(InvalidCastException)", "Completion: throws InvalidCastException");

    [Fact]
    public Task A_waiting_WaitToReadAsync_is_released_by_completion_with_an_error() =>
        BclParity.AssertSameAsBcl(1, async (ch, log) =>
        {
            var wait = ch.Reader.WaitToReadAsync();
            ch.Writer.TryWrite(1);
            var write = ch.Writer.WriteAsync(2);
            var waitWrite = ch.Writer.WaitToWriteAsync();
            await log.Await("wait", wait);
            log.Add("TryRead", ch.Reader.TryRead(out var item) ? item : -1);
            await log.Await("write", write);
            var waitRead = ch.Reader.WaitToReadAsync();
            await log.Await("waitRead (item there)", waitRead);
            log.Add("TryRead", ch.Reader.TryRead(out item) ? item : -1);
            // The read freed room for the WaitToWriteAsync waiter. Observe it before completing: the BCL
            // completes it inside the read, this channel in the waiter's retry, so completing first would race.
            await log.Await("WaitToWrite", waitWrite);
            var blockedWaitRead = ch.Reader.WaitToReadAsync();
            log.Add("TryComplete(error)", ch.Writer.TryComplete(new InvalidCastException()));
            await log.Await("blocked WaitToRead", blockedWaitRead);
        },
        "wait: true", "TryRead: 1", "write: done", "waitRead (item there): true", "TryRead: 2", "WaitToWrite: true",
        "TryComplete(error): true", "blocked WaitToRead: throws InvalidCastException");

    [Fact]
    public Task Already_canceled_tokens_fail_every_async_operation_at_once() =>
        BclParity.AssertSameAsBcl(2, async (ch, log) =>
        {
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            ch.Writer.TryWrite(1);
            await log.Await("ReadAsync (item there)", ch.Reader.ReadAsync(cts.Token));
            await log.Await("WaitToRead (item there)", ch.Reader.WaitToReadAsync(cts.Token));
            await log.Await("WriteAsync (room)", ch.Writer.WriteAsync(2, cts.Token));
            await log.Await("WaitToWrite (room)", ch.Writer.WaitToWriteAsync(cts.Token));
            log.Add("Count", ch.Reader.Count);
        },
        "ReadAsync (item there): throws TaskCanceledException", "WaitToRead (item there): throws TaskCanceledException",
        "WriteAsync (room): throws TaskCanceledException", "WaitToWrite (room): throws TaskCanceledException", "Count: 1");

    [Fact]
    public Task Canceling_a_waiting_operation_loses_nothing() =>
        BclParity.AssertSameAsBcl(1, async (ch, log) =>
        {
            using (var cts = new CancellationTokenSource())
            {
                var read = ch.Reader.ReadAsync(cts.Token);
                cts.Cancel();
                await log.Await("canceled read", read);
            }

            using (var cts = new CancellationTokenSource())
            {
                var wait = ch.Reader.WaitToReadAsync(cts.Token);
                cts.Cancel();
                await log.Await("canceled WaitToRead", wait);
            }

            ch.Writer.TryWrite(1);
            using (var cts = new CancellationTokenSource())
            {
                var write = ch.Writer.WriteAsync(2, cts.Token);
                var waitWrite = ch.Writer.WaitToWriteAsync(cts.Token);
                cts.Cancel();
                await log.Await("canceled write", write);
                await log.Await("canceled WaitToWrite", waitWrite);
            }

            log.Add("TryRead", ch.Reader.TryRead(out var item) ? item : -1);
            log.Add("TryRead", ch.Reader.TryRead(out _)); // 2 was never written
            log.Add("TryWrite 3", ch.Writer.TryWrite(3));
            await log.Await("ReadAsync", ch.Reader.ReadAsync());
        },
        "canceled read: throws OperationCanceledException", "canceled WaitToRead: throws OperationCanceledException",
        "canceled write: throws OperationCanceledException", "canceled WaitToWrite: throws OperationCanceledException",
        "TryRead: 1", "TryRead: false", "TryWrite 3: true", "ReadAsync: 3");

    [Fact]
    public Task ReadAllAsync_yields_everything_then_ends() =>
        BclParity.AssertSameAsBcl(2, async (ch, log) =>
        {
            var writer = Task.Run(async () =>
            {
                for (var i = 0; i < 20; i++)
                    await ch.Writer.WriteAsync(i);
                ch.Writer.Complete();
            });
            var sum = 0;
            var count = 0;
            await foreach (var item in ch.Reader.ReadAllAsync())
            {
                Assert.Equal(count++, item);
                sum += item;
            }

            await writer;
            log.Add("count", count);
            log.Add("sum", sum);
            log.Add("Completion", ch.Reader.Completion.Status);
        },
        "count: 20", "sum: 190", "Completion: RanToCompletion");

    /// <summary>
    /// Completed with an OperationCanceledException that carries no canceled token, or one that does: a read
    /// on the drained channel is canceled either way, with the error's own token when it has one.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task Completion_with_an_OperationCanceledException_cancels_reads(bool withToken) =>
        BclParity.AssertSameAsBcl(1, async (ch, log) =>
        {
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            var error = withToken ? new OperationCanceledException(cts.Token) : new OperationCanceledException();
            log.Add("TryComplete", ch.Writer.TryComplete(error));
            try
            {
                await ch.Reader.ReadAsync();
                log.Add("ReadAsync", "returned");
            }
            catch (OperationCanceledException e)
            {
                log.Add("ReadAsync canceled", e.GetType().Name);
                log.Add("same token", e.CancellationToken == cts.Token);
            }
        },
        "TryComplete: true", "ReadAsync canceled: TaskCanceledException", "same token: " + (withToken ? "true" : "false"));
}
