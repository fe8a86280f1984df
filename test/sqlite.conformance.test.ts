import { sqlite } from '../backends/sqlite/index.js';
import { describeConformance } from '../src/testing/index.js';
import { removeDatabaseFile, tempPath } from './support/temp.js';

const files = new WeakMap<object, string>();

describeConformance({
  name: 'sqlite',
  create: () => {
    const filename = tempPath('conformance', '.db');
    const backend = sqlite({ filename });
    files.set(backend, filename);
    return backend;
  },
  destroy: (backend) => {
    const filename = files.get(backend);
    if (filename) removeDatabaseFile(filename, ['-wal', '-shm']);
  },
});
