'use strict';
// A stand-in for the context FunctionGraph passes an event function's handler, with the same
// constructor input and getters as the runtime's own Context class (opentelekomcloud-community
// fg-runtime, context.js): the function's settings arrive as RUNTIME_* variables, user data as
// the JSON string RUNTIME_USERDATA, the agency's keys as constructor options. Plain CommonJS, so
// the zip test can load it under FunctionGraph's Node (20.15) without a TypeScript loader.

/** RUNTIME_USERDATA as the runtime parses it: a JSON object, or nothing when it is not JSON. */
function parseUserData(text) {
  try {
    return JSON.parse(text ?? '{}') ?? {};
  } catch {
    return {};
  }
}

class FunctionGraphContext {
  /**
   * @param {{ funcEnv: Record<string, string | undefined>, requestID?: string, securityAccessKey?: string,
   *   securitySecretKey?: string, securityToken?: string, authToken?: string }} options
   */
  constructor(options) {
    const env = options.funcEnv;
    this.functionName = env.RUNTIME_FUNC_NAME ?? '';
    this.projectID = env.RUNTIME_PROJECT_ID ?? '';
    this.userData = parseUserData(env.RUNTIME_USERDATA);
    // RUNTIME_TIMEOUT is in seconds; the runtime's default is 3 s.
    this.timeout = env.RUNTIME_TIMEOUT ? Number(env.RUNTIME_TIMEOUT) * 1000 : 3000;
    this.startTime = Date.now();
    this.requestID = options.requestID ?? '';
    this.securityAccessKey = options.securityAccessKey ?? '';
    this.securitySecretKey = options.securitySecretKey ?? '';
    this.securityToken = options.securityToken ?? '';
    this.authToken = options.authToken ?? '';
  }

  getRequestID() { return this.requestID; }
  getFunctionName() { return this.functionName; }
  getProjectID() { return this.projectID; }
  getUserData(key) { return this.userData[key]; }
  getRunningTimeInSeconds() { return this.timeout; }
  getRemainingTimeInMilliSeconds() { return this.timeout + this.startTime - Date.now(); }
  getSecurityAccessKey() { return this.securityAccessKey; }
  getSecuritySecretKey() { return this.securitySecretKey; }
  getSecurityToken() { return this.securityToken; }
  getToken() { return this.authToken; }
  // Retired by FunctionGraph (context.rst): they return nothing useful, and the tool never calls them.
  getAccessKey() { return ''; }
  getSecretKey() { return ''; }
}

module.exports = { FunctionGraphContext };
