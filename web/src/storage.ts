/** What the pages keep for the tab (sessionStorage: gone when it closes): the token and the chosen environment. */
const TOKEN_KEY = 'vitals.token';
const ENVIRONMENT_KEY = 'vitals.environment';

export const storedToken = () => sessionStorage.getItem(TOKEN_KEY);
export const storeToken = (token: string | null) => (token === null ? sessionStorage.removeItem(TOKEN_KEY) : sessionStorage.setItem(TOKEN_KEY, token));
export const storedEnvironment = () => sessionStorage.getItem(ENVIRONMENT_KEY);
export const storeEnvironment = (environment: string) => sessionStorage.setItem(ENVIRONMENT_KEY, environment);
