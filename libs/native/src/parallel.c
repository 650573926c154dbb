// The persistent thread pool behind parallel.h (the same design as small_gemm.c's, for any range function): workers
// sleep on a condition variable between calls; a call posts its task, works through chunks itself, and waits only
// for the workers that joined it. One call at a time uses the pool; a concurrent one (another JS thread) runs alone.
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include "parallel.h"

extern int openblas_get_num_threads(void);

typedef struct {
  RangeFn fn;
  void *ctx;
  int64_t n, chunk;
  int threads;        // thread indices the caller has scratch for
  atomic_llong next;  // the first item not yet claimed
  atomic_int joined;  // thread indices handed out (the caller is 0)
} Task;

static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_work = PTHREAD_COND_INITIALIZER, pool_done = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t pool_owner = PTHREAD_MUTEX_INITIALIZER;  // one task at a time
static Task *pool_task = NULL;  // the task in progress, NULL once its chunks are all claimed
static uint64_t pool_gen = 0;   // tasks posted
static int pool_workers = 0, pool_inside = 0, pool_want = 0;

static void run_chunks(Task *k, int t) {
  for (int64_t i0; (i0 = atomic_fetch_add(&k->next, k->chunk)) < k->n;) {
    int64_t i1 = i0 + k->chunk < k->n ? i0 + k->chunk : k->n;
    k->fn(k->ctx, i0, i1, t);
  }
}

static void *pool_worker(void *arg) {
  (void)arg;
  uint64_t seen = 0;
  pthread_mutex_lock(&pool_mu);
  for (;;) {
    while (pool_task == NULL || pool_gen == seen || pool_inside >= pool_want) pthread_cond_wait(&pool_work, &pool_mu);
    seen = pool_gen;
    Task *k = pool_task;
    pool_inside++;
    pthread_mutex_unlock(&pool_mu);
    int t = atomic_fetch_add(&k->joined, 1);
    if (t < k->threads) run_chunks(k, t);  // a worker joining after another left gets no index: it sits this one out
    pthread_mutex_lock(&pool_mu);
    if (--pool_inside == 0) pthread_cond_signal(&pool_done);
  }
  return NULL;
}

int pfgm_threads(int64_t n, int64_t work) {
  int t = openblas_get_num_threads();
  if (t > PFGM_MAX_THREADS) t = PFGM_MAX_THREADS;
  if (t > n) t = (int)n;
  if (t < 1 || work < PFGM_MIN_PARALLEL_WORK) t = 1;
  return t;
}

void pfgm_parallel(int64_t n, int threads, RangeFn fn, void *ctx) {
  if (n <= 0) return;
  int64_t chunk = threads > 1 ? (n + 4 * threads - 1) / (4 * threads) : n;
  Task k = {fn, ctx, n, chunk, threads, 0, 1};
  if (threads <= 1 || pthread_mutex_trylock(&pool_owner) != 0) {
    run_chunks(&k, 0);
    return;
  }
  int helpers = threads - 1;
  pthread_mutex_lock(&pool_mu);
  while (pool_workers < helpers) {
    pthread_t tid;
    if (pthread_create(&tid, NULL, pool_worker, NULL) != 0) break;
    pthread_detach(tid);
    pool_workers++;
  }
  pool_task = &k;
  pool_want = helpers < pool_workers ? helpers : pool_workers;
  pool_gen++;
  pthread_cond_broadcast(&pool_work);
  pthread_mutex_unlock(&pool_mu);
  run_chunks(&k, 0);
  pthread_mutex_lock(&pool_mu);
  pool_task = NULL;
  while (pool_inside > 0) pthread_cond_wait(&pool_done, &pool_mu);
  pthread_mutex_unlock(&pool_mu);
  pthread_mutex_unlock(&pool_owner);
}
