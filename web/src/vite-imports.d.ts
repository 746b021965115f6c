/** Vite's `?worker&url` imports give the URL of a bundled web worker. */
declare module '*?worker&url' {
  const url: string;
  export default url;
}
