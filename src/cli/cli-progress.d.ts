/** The part of cli-progress (3.x, which ships no types) that `gongshu push` uses. */
declare module 'cli-progress' {
  export interface Options {
    format?: string;
    stream?: NodeJS.WritableStream;
    barsize?: number;
    hideCursor?: boolean;
    clearOnComplete?: boolean;
    stopOnComplete?: boolean;
    etaBuffer?: number;
    fps?: number;
    formatValue?: (value: number, options: Options, type: 'percentage' | 'total' | 'value' | 'eta' | 'duration' | string) => string;
    barCompleteChar?: string;
    barIncompleteChar?: string;
  }
  export class SingleBar {
    constructor(options: Options, preset?: Options);
    start(total: number, startValue: number, payload?: Record<string, unknown>): void;
    update(value: number, payload?: Record<string, unknown>): void;
    stop(): void;
  }
  export const Presets: { shades_classic: Options; legacy: Options; rect: Options };
  const cliProgress: { SingleBar: typeof SingleBar; Presets: typeof Presets };
  export default cliProgress;
}
