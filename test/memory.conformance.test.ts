import { memory } from '../backends/memory/index.js';
import { describeConformance } from '../src/testing/index.js';

describeConformance({ name: 'memory', create: () => memory() });
