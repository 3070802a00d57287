/* The cost of moving one cache line between the machine's first two CPUs: two threads pinned to CPU 0 and
 * CPU 1 bounce a counter (a release store, then spin until the other answers) and the program prints the
 * mean round trip in ns. No .NET, no channel: on the development VM it is bimodal over time (about 60-90 ns
 * or about 330-420 ns), which is what makes the benchmarks' speed flip (bench/results/2026-11-22-dev-2core/
 * ANALYSIS.md). Build and sample with bench/c2c-probe.sh. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static _Alignas(128) atomic_long flag;
static long rounds;

static void pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static void *answer(void *unused)
{
    (void)unused;
    pin(1);
    for (long i = 0; i < rounds; i++) {
        while (atomic_load_explicit(&flag, memory_order_acquire) != 2 * i + 1)
            ;
        atomic_store_explicit(&flag, 2 * i + 2, memory_order_release);
    }
    return NULL;
}

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv)
{
    rounds = argc > 1 ? atol(argv[1]) : 200000;
    pthread_t other;
    pin(0);
    pthread_create(&other, NULL, answer, NULL);
    double start = now_ns();
    for (long i = 0; i < rounds; i++) {
        atomic_store_explicit(&flag, 2 * i + 1, memory_order_release);
        while (atomic_load_explicit(&flag, memory_order_acquire) != 2 * i + 2)
            ;
    }
    double end = now_ns();
    pthread_join(other, NULL);
    printf("%.1f\n", (end - start) / rounds);
    return 0;
}
