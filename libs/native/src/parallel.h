// A parallel for over [0, n) for the memory-bound kernels (GroupNorm, pooling, split): tfjs-wasm runs them on one
// thread, and one core cannot saturate the memory bus. The thread count is OpenBLAS's (PFGM_THREADS, like the direct
// convolutions in conv.c), capped at PFGM_MAX_THREADS; below a minimum of work one thread runs it all, since a
// pthread_create costs ≈ 10–20 µs. Which thread runs which items varies from run to run, so kernels keep per-item
// partial results (never per-thread ones) and reduce them in item order: the same result on any thread count.
#ifndef PFGM_NATIVE_PARALLEL_H
#define PFGM_NATIVE_PARALLEL_H
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

extern int openblas_get_num_threads(void);

#define PFGM_MAX_THREADS 8

// Below this many elements touched, a kernel runs on the calling thread alone.
#define PFGM_MIN_PARALLEL_WORK ((int64_t)1 << 15)

// The body of a parallel for: items [i0, i1) of the range, on thread index t (0 = the calling thread).
typedef void (*RangeFn)(void *ctx, int64_t i0, int64_t i1, int t);

typedef struct {
  RangeFn fn;
  void *ctx;
  int64_t n, chunk;
  atomic_llong next;  // the first item not yet claimed
} RangeWork;

typedef struct {
  RangeWork *w;
  int t;
} RangeJob;

// Claims chunks of the range until none is left: a thread that starts late (the machine is shared) does less, and
// the others never wait for a fixed share of it.
static void *pfgm_range_job(void *arg) {
  RangeJob *j = arg;
  RangeWork *w = j->w;
  for (;;) {
    int64_t i0 = atomic_fetch_add(&w->next, w->chunk);
    if (i0 >= w->n) break;
    int64_t i1 = i0 + w->chunk < w->n ? i0 + w->chunk : w->n;
    w->fn(w->ctx, i0, i1, j->t);
  }
  return NULL;
}

// Threads for n items touching `work` elements in all: ≤ OpenBLAS's count, ≤ n, 1 under PFGM_MIN_PARALLEL_WORK.
static inline int pfgm_threads(int64_t n, int64_t work) {
  int t = openblas_get_num_threads();
  if (t > PFGM_MAX_THREADS) t = PFGM_MAX_THREADS;
  if (t > n) t = (int)n;
  if (t < 1 || work < PFGM_MIN_PARALLEL_WORK) t = 1;
  return t;
}

// Runs fn over [0, n) on `threads` threads (from pfgm_threads), in chunks of about n / (4·threads) items claimed in
// turn; returns when all are done. Thread t (0 = the caller) may use scratch of its own, indexed by t. A thread that
// cannot be started leaves its chunks to the others.
static inline void pfgm_parallel(int64_t n, int threads, RangeFn fn, void *ctx) {
  if (threads <= 1) {
    if (n > 0) fn(ctx, 0, n, 0);
    return;
  }
  RangeWork w = {fn, ctx, n, (n + 4 * threads - 1) / (4 * threads), 0};
  RangeJob jobs[PFGM_MAX_THREADS];
  pthread_t tid[PFGM_MAX_THREADS];
  int started[PFGM_MAX_THREADS] = {0};
  for (int t = 0; t < threads; t++) jobs[t] = (RangeJob){&w, t};
  for (int t = 1; t < threads; t++) started[t] = pthread_create(&tid[t], NULL, pfgm_range_job, &jobs[t]) == 0;
  pfgm_range_job(&jobs[0]);
  for (int t = 1; t < threads; t++)
    if (started[t]) pthread_join(tid[t], NULL);
}

#endif
