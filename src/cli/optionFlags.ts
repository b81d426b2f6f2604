import { ConfigError, OptionError } from '../errors';

/** The flag of each library option field (library errors name fields; users type flags). */
export const OPTION_FLAGS: Readonly<Record<string, string>> = {
  method: '--method',
  pTar: '--p-tar',
  beta: '--beta',
  latency: 'the latency model (--device-ms, --cloud-ms)',
  edgeExits: '--edge-exits',
  exits: '--exits',
};

/** A library OptionError's message with its field names replaced by the CLI's flags. */
export function flagMessage(err: OptionError): string {
  let msg = err.message;
  for (const f of err.fields) {
    const flag = OPTION_FLAGS[f];
    if (flag) msg = msg.replace(new RegExp(`\\b${f}\\b`, 'g'), flag);
  }
  return msg;
}

/** Run a library call; an OptionError comes back as a ConfigError that speaks in flags. */
export function withFlags<T>(call: () => T): T {
  try {
    return call();
  } catch (err) {
    if (err instanceof OptionError) throw new ConfigError(flagMessage(err), { cause: err });
    throw err;
  }
}
