import { pfgmMethod } from './pfgm.js';
import { pfgmppMethod } from './pfgmpp.js';
import type { Method, MethodConfig } from './types.js';
import { vpMethod } from './vp.js';

/** The {@link Method} for a config (switch on `kind`; PFGM++ with D = Infinity is EDM). */
export function makeMethod(config: MethodConfig): Method {
  switch (config.kind) {
    case 'pfgm':
      return pfgmMethod(config);
    case 'pfgmpp':
      return pfgmppMethod(config);
    case 'vp':
      return vpMethod(config);
    default: {
      const never: never = config;
      throw new Error(`makeMethod: unknown method kind ${JSON.stringify((never as { kind: unknown }).kind)}; expected 'pfgm', 'pfgmpp' or 'vp'`);
    }
  }
}
