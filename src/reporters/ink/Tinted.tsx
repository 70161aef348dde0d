// Text that drops its colors when colors are off (NO_COLOR, --no-color): Ink's own color
// detection does not look at NO_COLOR.
import { createContext, useContext, type ReactNode } from 'react';
import { Text } from 'ink';

export const ColorContext = createContext(true);

export interface TintedProps {
  readonly color?: string;
  readonly dim?: boolean;
  readonly bold?: boolean;
  readonly children?: ReactNode;
}

export function Tinted({ color, dim, bold, children }: TintedProps) {
  const enabled = useContext(ColorContext);
  if (!enabled) return <Text>{children}</Text>;
  return (
    <Text {...(color !== undefined && { color })} dimColor={dim ?? false} bold={bold ?? false}>
      {children}
    </Text>
  );
}

/** One terminal line: never wraps, cut with `…` at the edge. */
export function Line({ children }: { readonly children?: ReactNode }) {
  return <Text wrap="truncate-end">{children}</Text>;
}
