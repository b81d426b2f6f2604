// Runs the real CLI entry (src/cli/main.ts) under tsx, exactly as bin/eecal.js runs dist/.
import { main } from '../../src/cli/main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err && err.stack ? err.stack : String(err));
    process.exitCode = 3;
  },
);
