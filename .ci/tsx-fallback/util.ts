// Not erasable (an enum): Node's type stripping refuses it, tsx compiles it.
export enum Step {
  By = 3,
}
