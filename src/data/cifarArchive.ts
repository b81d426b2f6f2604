import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataError } from '../errors';
import { isCifarBinaryDir } from './cifarBinary';
import {
  CIFAR10_BINARY_SOURCE,
  CIFAR_ARCHIVE_NAME,
  CIFAR_BIN_DIR,
  extractCifarArchive,
  md5File,
  type DownloadSource,
} from './cifarDownload';

/** Folder (under the cache folder) of the extractions of binary archives, one sub-folder per archive MD5. */
export const EXTRACTED_DIR = 'extracted';

/**
 * A CIFAR-10 binary archive passed as --data (its listing holds the batch files): its MD5 must be
 * the official archive's (`expected.md5`), because the published checksum is the only thing that
 * says these bytes are the CIFAR-10 release; a corrupt or re-packed archive would otherwise train
 * and evaluate on other pixels without a word. It is extracted once into
 * `<cacheDir>/extracted/cifar-10-binary-<md5>/cifar-10-batches-bin/`: keyed by the archive's content,
 * so an extraction is never reused for another archive, whatever its path, size or mtime.
 * Extraction is atomic (temp folder + rename), so a folder that exists is complete.
 * @returns the folder of batch files.
 */
export async function extractVerifiedCifarArchive(
  archive: string,
  cacheDir: string,
  expected: DownloadSource = CIFAR10_BINARY_SOURCE,
): Promise<string> {
  const md5 = await md5File(archive);
  if (md5 !== expected.md5) {
    throw new DataError(
      `${archive}: MD5 ${md5}; expected ${expected.md5}, the official CIFAR-10 binary archive ${CIFAR_ARCHIVE_NAME} (${expected.url}). ` +
        `It holds CIFAR-10 binary batch files but is corrupt or a different file: use the official archive, or pass the folder of the batch files as --data`,
    );
  }
  const binDir = path.join(cacheDir, EXTRACTED_DIR, `cifar-10-binary-${md5}`, CIFAR_BIN_DIR);
  if (!isCifarBinaryDir(binDir)) {
    fs.mkdirSync(path.dirname(binDir), { recursive: true });
    await extractCifarArchive(archive, binDir);
  }
  return binDir;
}
