// Synthetic projects for the engine benchmarks: one pipeline.yaml plus the equivalent Makefile,
// build.ninja and Snakefile, so every tool does the same work on the same files.
import { randomFillSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One unit of work, described once and written out for every tool. */
export interface BenchStage {
  readonly name: string;
  readonly deps: readonly string[];
  readonly outs: readonly string[];
  /** POSIX shell command, run in the project root. */
  readonly cmd: string;
}

export interface GeneratedProject {
  readonly kind: string;
  readonly root: string;
  readonly stages: readonly BenchStage[];
  /** Stage names and make/ninja/snakemake targets of the default build (all stages when absent). */
  readonly targets?: { readonly stages: readonly string[]; readonly files: readonly string[] };
}

const quoteYaml = (value: string): string => JSON.stringify(value);

function writeInputs(root: string, count: number): void {
  mkdirSync(path.join(root, 'in'), { recursive: true });
  mkdirSync(path.join(root, 'out'), { recursive: true });
  for (let i = 0; i < count; i++) writeFileSync(path.join(root, 'in', `${i}.txt`), `input ${i}\n`);
}

export function writePipelineYaml(root: string, stages: readonly BenchStage[]): void {
  const lines = ['stages:'];
  for (const s of stages) {
    lines.push(`  ${s.name}:`, `    cmd: ${quoteYaml(s.cmd)}`);
    if (s.deps.length > 0) lines.push(`    deps: [${s.deps.map(quoteYaml).join(', ')}]`);
    if (s.outs.length > 0) lines.push(`    outs: [${s.outs.map(quoteYaml).join(', ')}]`);
  }
  writeFileSync(path.join(root, 'pipeline.yaml'), `${lines.join('\n')}\n`);
}

/** Explicit rules, no built-in rules or suffixes: the fastest honest Makefile for the graph. */
export function writeMakefile(root: string, stages: readonly BenchStage[], defaults: readonly string[]): void {
  const lines = ['MAKEFLAGS += --no-builtin-rules', '.SUFFIXES:', '.PHONY: all', `all: ${defaults.join(' ')}`, ''];
  for (const s of stages) lines.push(`${s.outs.join(' ')}: ${s.deps.join(' ')}`, `\t${s.cmd}`, '');
  writeFileSync(path.join(root, 'Makefile'), lines.join('\n'));
}

const ninjaEscape = (p: string): string => p.replace(/[$ :]/g, (c) => `$${c}`);

export function writeBuildNinja(root: string, stages: readonly BenchStage[], defaults: readonly string[]): void {
  const lines = ['ninja_required_version = 1.5', ''];
  stages.forEach((s, i) => {
    // One rule per distinct command keeps $in/$out out of the picture: the command is literal.
    lines.push(`rule r${i}`, `  command = ${s.cmd.replaceAll('$', '$$')}`, '');
    lines.push(`build ${s.outs.map(ninjaEscape).join(' ')}: r${i} ${s.deps.map(ninjaEscape).join(' ')}`, '');
  });
  lines.push(`default ${defaults.map(ninjaEscape).join(' ')}`, '');
  writeFileSync(path.join(root, 'build.ninja'), lines.join('\n'));
}

const pyString = (value: string): string => JSON.stringify(value);

export function writeSnakefile(root: string, stages: readonly BenchStage[], defaults: readonly string[]): void {
  const lines = ['rule all:', `    input: [${defaults.map(pyString).join(', ')}]`, ''];
  for (const s of stages) {
    lines.push(`rule ${s.name.replace(/[^A-Za-z0-9_]/g, '_')}:`);
    if (s.deps.length > 0) lines.push(`    input: [${s.deps.map(pyString).join(', ')}]`);
    lines.push(`    output: [${s.outs.map(pyString).join(', ')}]`);
    // Snakemake formats "{...}" in shell commands; double the braces to keep them literal.
    lines.push(`    shell: ${pyString(s.cmd.replaceAll('{', '{{').replaceAll('}', '}}'))}`, '');
  }
  writeFileSync(path.join(root, 'Snakefile'), lines.join('\n'));
}

function writeAll(project: GeneratedProject, snakefile: boolean): GeneratedProject {
  const { root, stages } = project;
  const defaults = project.targets?.files ?? stages.flatMap((s) => s.outs);
  writePipelineYaml(root, stages);
  writeMakefile(root, stages, defaults);
  writeBuildNinja(root, stages, defaults);
  if (snakefile) writeSnakefile(root, stages, defaults);
  return project;
}

export interface GenerateOptions {
  readonly snakefile: boolean;
}

/** (a) N independent `cp in/i.txt out/i.txt` stages. */
export function generateCopies(root: string, n: number, options: GenerateOptions): GeneratedProject {
  writeInputs(root, n);
  const stages = Array.from({ length: n }, (_, i) => ({
    name: `copy${i}`,
    deps: [`in/${i}.txt`],
    outs: [`out/${i}.txt`],
    cmd: `cp in/${i}.txt out/${i}.txt`,
  }));
  return writeAll({ kind: `copy-${n}`, root, stages }, options.snakefile);
}

/** (b) A chain: stage i copies the output of stage i-1. */
export function generateChain(root: string, n: number, options: GenerateOptions): GeneratedProject {
  writeInputs(root, 1);
  const stages = Array.from({ length: n }, (_, i) => {
    const from = i === 0 ? 'in/0.txt' : `out/${i - 1}.txt`;
    return { name: `link${i}`, deps: [from], outs: [`out/${i}.txt`], cmd: `cp ${from} out/${i}.txt` };
  });
  return writeAll({ kind: `chain-${n}`, root, stages }, options.snakefile);
}

/**
 * (d) N independent stages that each only sleep and create their output with a redirection, so
 * every tool runs one process per stage and the run measures scheduling, not copying. The input
 * stays a dep, so that changing one reruns exactly one stage.
 */
export function generateSleeps(root: string, n: number, seconds: number, options: GenerateOptions): GeneratedProject {
  writeInputs(root, n);
  const stages = Array.from({ length: n }, (_, i) => ({
    name: `nap${i}`,
    deps: [`in/${i}.txt`],
    outs: [`out/${i}.txt`],
    cmd: `sleep ${seconds} > out/${i}.txt`,
  }));
  return writeAll({ kind: `sleep-${n}`, root, stages }, options.snakefile);
}

export interface DataDirectory {
  readonly files: readonly string[];
  readonly bytes: number;
}

/**
 * `files` random files under data/ (100 per subdirectory) totalling about `totalBytes`, sizes
 * spread from a few bytes to twice the mean, every file distinct.
 */
export function writeDataDirectory(root: string, files: number, totalBytes: number): DataDirectory {
  const chunk = Buffer.allocUnsafe(Math.ceil((2 * totalBytes) / files));
  randomFillSync(chunk);
  const written: string[] = [];
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const dir = `data/d${Math.floor(i / 100)}`;
    if (i % 100 === 0) mkdirSync(path.join(root, dir), { recursive: true });
    const size = Math.max(8, Math.floor((((i * 7919) % files) / files) * chunk.length));
    chunk.writeUInt32LE(i, 0);
    const rel = `${dir}/f${i}.bin`;
    writeFileSync(path.join(root, rel), chunk.subarray(0, size));
    written.push(rel);
    bytes += size;
  }
  return { files: written, bytes };
}

export interface DirectoryProject extends GeneratedProject {
  readonly data: DataDirectory;
}

/**
 * (c) One stage whose dep is a directory of many files; it writes a small summary. A second
 * stage, `mirror`, copies the directory (plus a version file) to a large cached output; it is
 * only built on request, for the restore benchmark, and is not part of the default target.
 */
export function generateDirectory(root: string, files: number, totalBytes: number, options: GenerateOptions): DirectoryProject {
  mkdirSync(path.join(root, 'out'), { recursive: true });
  mkdirSync(path.join(root, 'in'), { recursive: true });
  writeFileSync(path.join(root, 'in', 'version.txt'), 'a\n');
  const data = writeDataDirectory(root, files, totalBytes);
  const summary: BenchStage = {
    name: 'summary',
    deps: ['data'],
    outs: ['out/summary.txt'],
    cmd: 'find data -type f | wc -l > out/summary.txt',
  };
  const mirror: BenchStage = {
    name: 'mirror',
    deps: ['data', 'in/version.txt'],
    outs: ['out/mirror'],
    cmd: 'cp -r data out/mirror && cp in/version.txt out/mirror/VERSION',
  };
  const project = { kind: `dir-${files}`, root, stages: [summary, mirror], data, targets: { stages: ['summary'], files: ['out/summary.txt'] } };
  // make, ninja and snakemake cannot depend on a directory's content: list every file instead.
  const peerStages = [{ ...summary, deps: data.files }];
  writePipelineYaml(root, project.stages);
  writeMakefile(root, peerStages, summary.outs);
  writeBuildNinja(root, peerStages, summary.outs);
  if (options.snakefile) writeSnakefile(root, peerStages, summary.outs);
  return project;
}
