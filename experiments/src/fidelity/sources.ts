// ----------------------------------------------------------------------------
// The official repositories the fidelity table cites, pinned to the commit whose lines it cites.
// ----------------------------------------------------------------------------

/** Short keys of the cited repositories. */
export type RepoKey = 'Poisson_flow' | 'pfgmpp' | 'score_sde' | 'edm' | 'project';

/** Where each repository lives on GitHub and the commit (its snapshot's HEAD) every line number refers to. */
export const OFFICIAL_REPOS: Record<Exclude<RepoKey, 'project'>, { github: string; commit: string; what: string }> = {
  Poisson_flow: { github: 'Newbeeer/Poisson_flow', commit: 'be87f702106805771a4e10c3832aafa0148d81fd', what: 'PFGM (Xu et al. 2022)' },
  pfgmpp: { github: 'Newbeeer/pfgmpp', commit: 'd57c1ee4488d8e4064a5b9c8548792f00395aa8b', what: 'PFGM++ (Xu et al. 2023), an EDM fork' },
  score_sde: { github: 'yang-song/score_sde_pytorch', commit: 'cb1f359f4aadf0ff9a5e122fe8fffc9451fd6e44', what: 'VP-SDE / VP-ODE (Song et al. 2021)' },
  edm: { github: 'NVlabs/edm', commit: '008a4e5316c8e3bfe61a62f874bddba254295afb', what: 'EDM (Karras et al. 2022)' },
};

/**
 * One cited line (or range) of a file. `has`: short words (config keys, numbers) that must appear on those lines — a
 * check that the line number still points at the cited setting (`fidelity.spec.ts` verifies it where a mirror exists).
 */
export interface SourceRef {
  repo: RepoKey;
  path: string;
  /** First and last cited line (1-based, inclusive); 0 = the whole file. */
  from: number;
  to: number;
  has: readonly string[];
}

/** `src('Poisson_flow', 'configs/default_cifar10_configs.py:30', 'z_exp', '5')`; a range is 'path:42-45'. */
export function src(repo: RepoKey, at: string, ...has: string[]): SourceRef {
  const m = /^(.+?)(?::(\d+)(?:-(\d+))?)?$/.exec(at);
  if (m === null) throw new Error(`fidelity source "${at}": expected path[:line[-line]]`);
  const from = m[2] === undefined ? 0 : Number(m[2]);
  return { repo, path: m[1], from, to: m[3] === undefined ? from : Number(m[3]), has };
}

/** 'Poisson_flow/configs/x.py:30' (the repository's short name, the path, the lines). */
export function formatSource(s: SourceRef): string {
  const lines = s.from === 0 ? '' : s.to === s.from ? `:${s.from}` : `:${s.from}-${s.to}`;
  return `${s.repo === 'project' ? '' : `${s.repo}/`}${s.path}${lines}`;
}
