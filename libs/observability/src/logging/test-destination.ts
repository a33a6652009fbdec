/** A pino destination that keeps every line, parsed, for assertions. */
export function captureLines(): {
  destination: { write(line: string): void };
  lines: Record<string, unknown>[];
} {
  const lines: Record<string, unknown>[] = [];
  return {
    lines,
    destination: {
      write: (chunk: string) => {
        for (const line of chunk.split('\n'))
          if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  };
}
