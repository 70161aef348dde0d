// Symmetric int8 weight quantisation (zero point 0), the layout ORT's dynamic int8 kernels expect.

export interface QuantizedWeights {
  readonly values: Int8Array;
  readonly scales: Float32Array;
}

function quantize(x: number, scale: number, qmax: number): number {
  const q = Math.round(x / scale);
  return q > qmax ? qmax : q < -qmax ? -qmax : q;
}

function safeScale(maxAbs: number, qmax: number): number {
  return maxAbs > 0 ? maxAbs / qmax : 1;
}

/** Per-column scales for a row-major [rows, cols] matrix (a MatMul weight [K, N] → scales [N]). */
export function quantizePerColumn(data: Float32Array, rows: number, cols: number, qmax = 127): QuantizedWeights {
  const maxAbs = new Float32Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) maxAbs[c] = Math.max(maxAbs[c]!, Math.abs(data[r * cols + c]!));
  }
  const scales = maxAbs.map((m) => safeScale(m, qmax));
  const values = new Int8Array(data.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) values[r * cols + c] = quantize(data[r * cols + c]!, scales[c]!, qmax);
  }
  return { values, scales };
}

/** Per-row scales for a row-major [rows, cols] matrix (an embedding table [V, D] → scales [V]). */
export function quantizePerRow(data: Float32Array, rows: number, cols: number, qmax = 127): QuantizedWeights {
  const scales = new Float32Array(rows);
  const values = new Int8Array(data.length);
  for (let r = 0; r < rows; r++) {
    let maxAbs = 0;
    for (let c = 0; c < cols; c++) maxAbs = Math.max(maxAbs, Math.abs(data[r * cols + c]!));
    const scale = safeScale(maxAbs, qmax);
    scales[r] = scale;
    for (let c = 0; c < cols; c++) values[r * cols + c] = quantize(data[r * cols + c]!, scale, qmax);
  }
  return { values, scales };
}

/** One scale per leading-axis block (e.g. per LSTM direction). */
export function quantizePerBlock(data: Float32Array, blocks: number, qmax = 127): QuantizedWeights {
  const size = data.length / blocks;
  const scales = new Float32Array(blocks);
  const values = new Int8Array(data.length);
  for (let b = 0; b < blocks; b++) {
    let maxAbs = 0;
    for (let i = 0; i < size; i++) maxAbs = Math.max(maxAbs, Math.abs(data[b * size + i]!));
    const scale = safeScale(maxAbs, qmax);
    scales[b] = scale;
    for (let i = 0; i < size; i++) values[b * size + i] = quantize(data[b * size + i]!, scale, qmax);
  }
  return { values, scales };
}
