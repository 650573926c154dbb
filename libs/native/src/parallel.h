// A parallel for over [0, n) for the memory-bound kernels (GroupNorm, pooling, split): tfjs-wasm runs them on one
// thread, and one core cannot saturate the memory bus. The thread count is OpenBLAS's (PFGM_THREADS, like the direct
// convolutions in conv.c), capped at PFGM_MAX_THREADS; below a minimum of work one thread runs it all. Workers are a
// persistent pool (parallel.c): a pthread_create per call, then a join, cost milliseconds on the loaded 2-core machine
// (GroupNorm took 15 % of a profiled U-Net step with them, under 5 % on one thread). Which thread runs which items
// varies from run to run, so kernels keep per-item partial results (never per-thread ones) and reduce them in item
// order: the same result on any thread count.
#ifndef PFGM_NATIVE_PARALLEL_H
#define PFGM_NATIVE_PARALLEL_H
#include <stdint.h>

#define PFGM_MAX_THREADS 8

// Below this many elements touched, a kernel runs on the calling thread alone.
#define PFGM_MIN_PARALLEL_WORK ((int64_t)1 << 15)

// The body of a parallel for: items [i0, i1) of the range, on thread index t (0 = the calling thread; < the count
// pfgm_threads gave, so per-thread scratch can be indexed by it).
typedef void (*RangeFn)(void *ctx, int64_t i0, int64_t i1, int t);

// Threads for n items touching `work` elements in all: ≤ OpenBLAS's count, ≤ n, 1 under PFGM_MIN_PARALLEL_WORK.
int pfgm_threads(int64_t n, int64_t work);

// Runs fn over [0, n) on the caller and up to threads − 1 pool workers, in chunks of about n / (4·threads) items
// claimed from an atomic counter; returns when every chunk is done. A worker that is not scheduled in time leaves its
// chunks to the caller, which never waits for it to start.
void pfgm_parallel(int64_t n, int threads, RangeFn fn, void *ctx);

#endif
