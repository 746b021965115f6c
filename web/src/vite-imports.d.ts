/** Vite's `?worker&url` imports give the URL of a bundled web worker. */
declare module '*?worker&url' {
  const url: string;
  export default url;
}

/** A stylesheet imported for its effect (Vite adds it to the page), also when imported on demand. */
declare module '*.css';
