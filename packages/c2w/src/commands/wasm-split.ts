// `c2w wasm-split` is the tool's own command class: flags, help and errors are defined once, in the tool.
export { default } from '@c2w/wasm-split/command';
