// The live view: finished entries go into <Static> (printed once, kept in scrollback);
// running stages and the footer are redrawn below them.
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { Box, Static, useInput, useStdin, useStdout } from 'ink';
import { fitLiveArea } from './fit-height.js';
import { Footer } from './Footer.js';
import { FinishedEntry, SkippedLines } from './FinishedEntry.js';
import { RunningStage } from './RunningStage.js';
import { describePendingSkips, type FinishedItem } from './state.js';
import type { InkStore } from './store.js';
import { ColorContext, Line, Tinted } from './Tinted.js';

const TICK_MS = 100;

export interface AppProps {
  readonly store: InkStore;
  readonly color?: boolean;
  readonly onCancel?: (force: boolean) => void;
  /** Overrides the terminal width (tests). */
  readonly columns?: number;
  /** Overrides the terminal height (tests). */
  readonly rows?: number;
  readonly clock?: () => number;
  /** Redraw spinners and timers on their own; off for deterministic frames. */
  readonly animate?: boolean;
}

export function App({ store, color = true, onCancel, columns, rows, clock = Date.now, animate = true }: AppProps) {
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const { width, height } = useTerminalSize(columns, rows);
  const busy = state.running.length > 0 && !state.done;
  const now = useTicker(clock, animate && busy);
  const [showLogs, setShowLogs] = useState(true);
  const [cancelRequests, setCancelRequests] = useState(0);
  // A ref, not the state: two quick key presses can arrive before React re-renders.
  const cancelCount = useRef(0);
  const { isRawModeSupported } = useStdin();
  // <Static> has written these by the time effects run (Ink prints it on commit): let them go.
  useEffect(() => store.written(state.written + state.finished.length), [store, state]);

  useInput(
    (input, key) => {
      if (input === 'l') setShowLogs((shown) => !shown);
      if (input === 'q' || (key.ctrl && input === 'c')) {
        onCancel?.(cancelCount.current > 0);
        cancelCount.current += 1;
        setCancelRequests(cancelCount.current);
      }
    },
    { isActive: isRawModeSupported === true },
  );

  const pendingSkips = describePendingSkips(state);
  const showFooter = !state.done && state.totalStages > 0;
  // One row fewer than the terminal: a live area as tall as the terminal counts as full-screen.
  const otherLines = pendingSkips.length + (showFooter ? (cancelRequests > 0 ? 2 : 1) : 0);
  const live = fitLiveArea(state.running, showLogs, height - 1 - otherLines);
  return (
    <ColorContext.Provider value={color}>
      {/* A new key whenever written entries are dropped: <Static> counts what it printed by index. */}
      <Static key={state.written} items={state.finished as FinishedItem[]}>
        {(item, index) => (
          <Box key={index} width={width} flexDirection="column">
            <FinishedEntry item={item} />
          </Box>
        )}
      </Static>
      <Box flexDirection="column" width={width}>
        {live.stages.map((stage) => (
          <RunningStage key={stage.name} stage={stage} now={now} logLines={live.logLines} />
        ))}
        {live.hiddenStages > 0 && (
          <Line>
            <Tinted dim>{`  … ${live.hiddenStages} more running`}</Tinted>
          </Line>
        )}
        {pendingSkips.length > 0 && <SkippedLines lines={pendingSkips} />}
        {showFooter && <Footer state={state} now={now} cancelRequests={cancelRequests} />}
      </Box>
    </ColorContext.Provider>
  );
}

function useTerminalSize(columns: number | undefined, rows: number | undefined): { width: number; height: number } {
  const { stdout } = useStdout();
  const measure = () => ({ width: stdout.columns || 80, height: stdout.rows || Number.POSITIVE_INFINITY });
  const [size, setSize] = useState(measure);
  useEffect(() => {
    const onResize = () => setSize(measure());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return { width: columns ?? size.width, height: rows ?? size.height };
}

function useTicker(clock: () => number, running: boolean): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setTick((n) => n + 1), TICK_MS);
    return () => clearInterval(timer);
  }, [running]);
  return clock();
}
