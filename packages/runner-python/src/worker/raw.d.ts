/** The build inlines these files as strings (Vite's `?raw`). */
declare module '*.py?raw' {
  const source: string;
  export default source;
}
