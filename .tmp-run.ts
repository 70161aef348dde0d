import { loadPipeline } from './src/pipeline/load-pipeline.js';
import { formatDiagnostic } from './src/errors.js';
const r = await loadPipeline(process.argv[2]!);
if (r.ok) console.log(JSON.stringify(r.value, null, 1)); else console.log(r.error.map(formatDiagnostic).join('\n'));
