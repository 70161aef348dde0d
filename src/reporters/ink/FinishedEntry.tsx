// Anything printed once into the scrollback: stages, skips, warnings, watch cycles, summary.
import { Box, Text } from 'ink';
import { createPaint } from '../ansi.js';
import { formatDuration } from '../describe-reason.js';
import { describeSummary, describeWatchCycle } from '../plain.js';
import type { FinishedItem } from './state.js';
import { StageLine } from './StageLine.js';
import { Line, Tinted } from './Tinted.js';

const noPaint = createPaint(false);

export function FinishedEntry({ item }: { readonly item: FinishedItem }) {
  switch (item.kind) {
    case 'stage':
      return <StageLine item={item} />;
    case 'restarted':
      return (
        <Line>
          <Tinted color="yellow">↻</Tinted> {item.stage} restarted after {formatDuration(item.durationMs)}
          <Tinted dim>: its inputs changed while it ran</Tinted>
        </Line>
      );
    case 'skipped':
      return <SkippedLines lines={item.lines} />;
    case 'warning':
      return (
        <Line>
          <Tinted color="yellow">⚠ {item.stage !== undefined ? `${item.stage}: ` : ''}{item.message}</Tinted>
        </Line>
      );
    case 'summary':
      // Wraps rather than truncates: the summary is the one line that must be read in full.
      return (
        <Text wrap="wrap">
          <Tinted bold color={item.summary.failed > 0 ? 'red' : 'green'}>
            {describeSummary(item.summary, noPaint)}
          </Tinted>
        </Text>
      );
    case 'watch':
      return (
        <Box flexDirection="column">
          {describeWatchCycle(item.cycle).map((line, index) => (
            <Line key={index}>
              <Tinted color="blue">{line}</Tinted>
            </Line>
          ))}
        </Box>
      );
    case 'diagnostics':
      return (
        <Box flexDirection="column">
          {item.messages.map((message, index) => (
            <Text key={index} wrap="wrap">
              <Tinted color="red">{message}</Tinted>
            </Text>
          ))}
        </Box>
      );
  }
}

export function SkippedLines({ lines }: { readonly lines: readonly string[] }) {
  return (
    <Box flexDirection="column">
      {lines.map((line) => (
        <Line key={line}>
          <Tinted color="yellow">{`  ${line}`}</Tinted>
        </Line>
      ))}
    </Box>
  );
}
