// comlink's ESM build ships without .d.mts files next to it, so TypeScript cannot type the paths that
// work at run time (the package's "main" is a UMD bundle). Borrow the UMD build's declarations.
declare module 'comlink/dist/esm/comlink.mjs' {
  export * from 'comlink';
}
declare module 'comlink/dist/esm/node-adapter.mjs' {
  export { default } from 'comlink/dist/umd/node-adapter';
}
