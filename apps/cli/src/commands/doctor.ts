import type { Command } from 'commander';
import { doctor, formatDoctorReport } from '@pfgm/tensor';

/** `pfgm doctor`: backend, threads, SIMD, matmul/conv GFLOP/s and a ~1-second kernel self-test; exit 1 on a failure. */
export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check the compute layer: backend, threads, SIMD, matmul/conv GFLOP/s, kernel self-test')
    .option('--json', 'print the report as JSON')
    .option('--repeats <n>', 'timed calls per throughput workload (0 skips them)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new Error(`--repeats must be a non-negative integer, got '${v}'`);
      return n;
    }, 3)
    .action(async (o: { json?: boolean; repeats: number }, cmd: Command) => {
      const report = await doctor({ backend: cmd.optsWithGlobals().backend, repeats: o.repeats });
      console.log(o.json ? JSON.stringify(report, null, 2) : formatDoctorReport(report));
      if (!report.ok) process.exitCode = 1;
    });
}
