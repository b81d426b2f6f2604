import type { Command } from '../main';
import { countOption, intListOption, numberOption, parseCommandArgs } from '../args';
import { MAX_IMAGE_SIDE, MAX_VAL_SIZE } from '../limits';
import { ConfigError } from '../../errors';
import { DATASET_NAMES, loadDataset, type DatasetName } from '../../data/loadDataset';
import { formatSummary, summarizeDataset } from '../../data/summary';

const HELP = `usage: eecal data inspect <cifar10|mnist|folder> [--data DIR|ARCHIVE] [--json] [options]

Loads the dataset exactly as training does and prints the image shape and the number of images
per split (train / val / test) and per class.

  --data DIR|ARCHIVE  dataset location (default $EECAL_DATA, else datasets/); cifar10 accepts the
                      binary folder, an image folder train|test/<class>/<image> or a .tar/.tar.gz
  --seed N            train/validation split seed (default 42)
  --val-size N        validation images drawn from the training files (default 5000)
  --size H,W          folder only: resize every image (bilinear)
  --channels 1|3      folder only: grayscale or RGB (default 3)
  --no-cache          decode image folders/archives again instead of using datasets/decoded/
  --json              machine-readable output`;

/** `eecal data inspect`: counts per split and class, and the image shape. */
export const dataCommand: Command = {
  summary: 'data inspect <dataset> [--data DIR]: counts per split and class',
  async run(argv) {
    const { values: v, positionals } = parseCommandArgs(
      'data',
      argv,
      {
        data: { type: 'string' },
        json: { type: 'boolean' },
        seed: { type: 'string' },
        'val-size': { type: 'string' },
        size: { type: 'string' },
        channels: { type: 'string' },
        'no-cache': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      true,
    );
    if (v.help) {
      console.log(HELP);
      return 0;
    }
    const [sub, name, ...extra] = positionals;
    if (sub !== 'inspect')
      throw new ConfigError(
        `expected the subcommand "inspect", found ${sub === undefined ? 'none' : `"${sub}"`}\n\n${HELP}`,
      );
    if (!name || !(DATASET_NAMES as readonly string[]).includes(name))
      throw new ConfigError(
        `data inspect: dataset ${name === undefined ? 'missing' : `"${name}"`}; expected one of ${DATASET_NAMES.join(', ')}`,
      );
    if (extra.length) throw new ConfigError(`data inspect: unexpected argument "${extra[0]}"`);
    const size =
      v.size === undefined ? undefined : (intListOption('size', v.size, 1, MAX_IMAGE_SIDE) as [number, number]);
    if (size && size.length !== 2) throw new ConfigError(`--size "${v.size}": expected H,W`);
    const channels = numberOption('channels', v.channels, 3, { integer: true, min: 1, max: 3 });
    if (channels === 2) throw new ConfigError('--channels 2: expected 1 or 3');
    const valSize = countOption('val-size', v['val-size'], 5000, 0, MAX_VAL_SIZE);
    const progress = process.stderr.isTTY
      ? (n: number, total: number) => process.stderr.write(`\rdecoding ${n}/${total} images…`)
      : undefined;
    const ds = await loadDataset({
      name: name as DatasetName,
      data: v.data,
      seed: numberOption('seed', v.seed, 42, { integer: true }),
      valSize,
      size,
      channels: channels as 1 | 3,
      onProgress: progress,
      cache: !v['no-cache'],
    });
    if (progress) process.stderr.write('\r\x1b[K');
    const summary = summarizeDataset(ds);
    console.log(v.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
    return 0;
  },
};
