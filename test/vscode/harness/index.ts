/** The real-VS-Code test harness: code-server + headless Chromium, isolated under .cache/. */
export * from './browser';
export * from './codeServer';
export * from './paths';
export * from './processTree';
export * from './steps';
export * from './startProfile';
