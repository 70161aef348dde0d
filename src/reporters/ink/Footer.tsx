// Live counts under the running stages; replaced by the summary line once the run ends.
import { Box } from 'ink';
import { formatDuration } from '../describe-reason.js';
import type { InkState } from './state.js';
import { Line, Tinted } from './Tinted.js';

export interface FooterProps {
  readonly state: InkState;
  readonly now: number;
  readonly cancelRequests: number;
}

export function Footer({ state, now, cancelRequests }: FooterProps) {
  const { counts } = state;
  const finished = Object.values(counts).reduce((sum, n) => sum + n, 0);
  const parts = [
    `${finished}/${state.totalStages} done`,
    `${counts.ran} ran`,
  ];
  if (counts.restored > 0) parts.push(`${counts.restored} restored`);
  if (counts['up-to-date'] > 0) parts.push(`${counts['up-to-date']} up to date`);
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  if (counts.skipped > 0) parts.push(`${counts.skipped} skipped`);
  if (state.runStartedAt !== undefined) parts.push(formatDuration(now - state.runStartedAt));
  // Recorded run time of restored and up-to-date stages: an estimate, not all of it the cache's.
  if (state.savedMs > 0) parts.push(`saved ~${formatDuration(state.savedMs)}`);
  return (
    <Box flexDirection="column">
      {cancelRequests > 0 && (
        <Line>
          <Tinted color="yellow">
            {cancelRequests === 1 ? 'cancelling… press q again to stop at once' : 'stopping at once…'}
          </Tinted>
        </Line>
      )}
      <Line>
        <Tinted color={counts.failed > 0 ? 'red' : 'blue'}>▸</Tinted> {parts.join(' · ')}
        <Tinted dim>{cancelRequests === 0 ? '  q cancel · l logs' : ''}</Tinted>
      </Line>
    </Box>
  );
}
