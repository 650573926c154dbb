/** What the CLI prints for a failure: one line, no stack trace, system errors said in words with their path. */
export function errorLine(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const path = typeof e?.path === 'string' ? e.path : undefined;
  const sys = path !== undefined ? systemErrorLine(e.code, path) : e?.code === 'EISDIR' ? 'a folder was given where a file was expected; check the paths you passed' : undefined;
  const text = sys ?? (err instanceof Error ? err.message : String(err));
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function systemErrorLine(code: string | undefined, path: string): string | undefined {
  switch (code) {
    case 'ENOENT':
      return `${path}: no such file or folder; check the path (relative paths are taken from the folder you ran the command in)`;
    case 'EISDIR':
      return `${path} is a folder; expected a file`;
    case 'ENOTDIR':
      return `${path}: a part of this path is a file, not a folder`;
    case 'EACCES':
    case 'EPERM':
      return `${path}: permission denied; pick a path you can read and write`;
    case 'ENOSPC':
      return `${path}: no space left on the device`;
    case 'EEXIST':
      return `${path} already exists`;
    default:
      return undefined;
  }
}
