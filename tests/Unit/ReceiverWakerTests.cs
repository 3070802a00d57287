using System;
using System.Threading;
using Sluice.Channels.Mpsc;
using Xunit;

namespace Sluice.Channels.Tests.Unit;

public class ReceiverWakerTests
{
    private sealed class CountingWaiter(Action? onWake = null) : IWakeable
    {
        private int _wakes;

        public int Wakes => Volatile.Read(ref _wakes);

        public void Wake()
        {
            Interlocked.Increment(ref _wakes);
            onWake?.Invoke();
        }
    }

    [Fact]
    public void Notify_without_a_registration_wakes_nobody()
    {
        var waker = new ReceiverWaker();
        waker.Notify();
        var w = new CountingWaiter();
        waker.Register(w);
        Assert.Equal(0, w.Wakes); // an earlier notify is not remembered: the caller re-checks after registering
    }

    [Fact]
    public void One_registration_is_consumed_by_one_notify()
    {
        var waker = new ReceiverWaker();
        var w = new CountingWaiter();
        waker.Register(w);
        waker.Notify();
        waker.Notify();
        Assert.Equal(1, w.Wakes);

        waker.Register(w); // same waiter again: the one-RMW path
        waker.Notify();
        Assert.Equal(2, w.Wakes);
    }

    [Fact]
    public void The_most_recently_registered_waiter_is_woken()
    {
        var waker = new ReceiverWaker();
        var a = new CountingWaiter();
        var b = new CountingWaiter();
        var c = new CountingWaiter();
        waker.Register(a);
        waker.Register(b); // replaces a before any notify (the U ∧ R path)
        waker.Notify();
        Assert.Equal(0, a.Wakes);
        Assert.Equal(1, b.Wakes);

        waker.Register(c);
        waker.Register(a);
        waker.Register(c);
        waker.Notify();
        Assert.Equal(0, a.Wakes);
        Assert.Equal(1, c.Wakes);
    }

    [Fact]
    public void Unregister_withdraws_the_registration()
    {
        var waker = new ReceiverWaker();
        var w = new CountingWaiter();
        waker.Register(w);
        waker.Unregister();
        waker.Notify();
        Assert.Equal(0, w.Wakes);
    }

    [Fact]
    public void A_notify_that_finds_the_lock_taken_makes_the_holder_wake_the_newest_waiter_again()
    {
        // While the first notifier is inside Wake (holding the lock), the sink registers a new waiter
        // and a second notifier arrives: it must set N, and the holder must wake the new waiter.
        var waker = new ReceiverWaker();
        var second = new CountingWaiter();
        var reentered = false;
        CountingWaiter? first = null;
        first = new CountingWaiter(() =>
        {
            if (reentered)
                return;
            reentered = true;
            waker.Register(second);
            waker.Notify(); // returns at once: the lock is held
            Assert.Equal(0, second.Wakes);
        });
        waker.Register(first);
        waker.Notify();
        Assert.Equal(1, first.Wakes);
        Assert.Equal(1, second.Wakes);
    }

    [Fact]
    public void No_wake_up_is_lost_between_concurrent_notifiers_and_a_re_registering_sink()
    {
        // Two notifiers each publish tokens then notify; the sink consumes tokens with the
        // check / register / re-check / park pattern, switching between two waiters. A lost wake-up
        // leaves the sink parked with tokens available: the deadline catches it.
        const int perNotifier = 100_000;
        var waker = new ReceiverWaker();
        var tokens = 0;
        var parkers = new[] { new ParkingWaiter(), new ParkingWaiter() };
        var notifiers = new Thread[2];
        for (var n = 0; n < notifiers.Length; n++)
        {
            notifiers[n] = new Thread(() =>
            {
                for (var i = 0; i < perNotifier; i++)
                {
                    Interlocked.Increment(ref tokens);
                    waker.Notify();
                }
            });
            notifiers[n].Start();
        }

        var consumed = 0;
        var turn = 0;
        var deadline = DateTime.UtcNow + TestSupport.HangDeadline;
        while (consumed < 2 * perNotifier)
        {
            if (TryTake(ref tokens))
            {
                consumed++;
                continue;
            }

            var w = parkers[turn++ & 1];
            waker.Register(w);
            if (TryTake(ref tokens))
            {
                waker.Unregister();
                consumed++;
                continue;
            }

            Assert.True(w.Park(deadline - DateTime.UtcNow), $"lost wake-up: parked with {Volatile.Read(ref tokens)} tokens after {consumed}");
        }

        foreach (var t in notifiers)
            t.Join();
        Assert.Equal(0, Volatile.Read(ref tokens));

        static bool TryTake(ref int tokens)
        {
            var t = Volatile.Read(ref tokens);
            while (t > 0)
            {
                var seen = Interlocked.CompareExchange(ref tokens, t - 1, t);
                if (seen == t)
                    return true;
                t = seen;
            }

            return false;
        }
    }

    private sealed class ParkingWaiter : IWakeable
    {
        private readonly SemaphoreSlim _permit = new(0, int.MaxValue);

        public void Wake() => _permit.Release();

        public bool Park(TimeSpan timeout) => _permit.Wait(timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero);
    }
}
