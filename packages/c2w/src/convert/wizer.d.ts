// @bytecodealliance/wizer 10.0.0 ships no types: its default export is the path of the platform's binary
declare module '@bytecodealliance/wizer' {
  const wizerBinary: string;
  export default wizerBinary;
}
