/** Per-stage supervision: what a stage does when the user code it runs throws. */
export type StreamDirective = 'stop' | 'resume' | 'restart';
/** Chooses a directive for an error. The default for every stage is 'stop' (the stream fails). */
export type StreamDecider = (err: unknown) => StreamDirective;
export const stoppingDecider: StreamDecider = () => 'stop';
