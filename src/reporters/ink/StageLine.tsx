// A finished stage as printed once into the scrollback; failures get their output tail.
import { Box, Text } from 'ink';
import { cancelledHow, describeFailure, describeReasons, formatDuration } from '../describe-reason.js';
import type { FinishedItem } from './state.js';
import { Line, Tinted } from './Tinted.js';

type StageItem = Extract<FinishedItem, { kind: 'stage' }>;

const TAIL_LINES = 20;

export function StageLine({ item }: { readonly item: StageItem }) {
  const why = item.reasons.length > 0 ? ` · ${describeReasons(item.reasons)}` : '';
  switch (item.status) {
    case 'ran':
      return (
        <Box flexDirection="column">
          <Line>
            <Tinted color="green">✔</Tinted> {item.stage} ran {formatDuration(item.durationMs)}
            <Tinted dim>{why}</Tinted>
          </Line>
          {item.metrics !== undefined && item.metrics.size > 0 && (
            <Line>
              <Tinted dim>{`  metrics: ${[...item.metrics].map(([name, value]) => `${name}=${value}`).join(' ')}`}</Tinted>
            </Line>
          )}
        </Box>
      );
    case 'restored':
      return (
        <Line>
          <Tinted color="cyan">↺</Tinted> {item.stage} restored
          <Tinted dim>{item.savedMs !== undefined ? ` · saved ${formatDuration(item.savedMs)}` : ''}</Tinted>
        </Line>
      );
    case 'up-to-date':
      return (
        <Line>
          <Tinted dim>· {item.stage} {item.frozen ? 'frozen (not checked)' : 'up to date'}</Tinted>
        </Line>
      );
    case 'cancelled':
      return (
        <Line>
          <Tinted color="yellow">⊘</Tinted> {item.stage} cancelled after {formatDuration(item.durationMs)}
          {cancelledHow(item.failure)}
        </Line>
      );
    case 'failed':
      return <FailureBlock item={item} />;
  }
}

function FailureBlock({ item }: { readonly item: StageItem }) {
  return (
    <Box flexDirection="column">
      <Line>
        <Tinted color="red" bold>
          ✖ {item.stage} failed: {describeFailure(item.failure)}
        </Tinted>
      </Line>
      {item.tail.slice(-TAIL_LINES).map((line, index) => (
        <Box key={index} paddingLeft={4}>
          <Text wrap="wrap">{line}</Text>
        </Box>
      ))}
      {item.logFile !== undefined && <Line>  log: {item.logFile}</Line>}
    </Box>
  );
}
