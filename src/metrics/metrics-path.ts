/** Outside the `/api` prefix, where Prometheus looks by default: the api's route and METRICS_PORT's. */
export const METRICS_PATH = 'metrics';
