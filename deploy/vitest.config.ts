import { definePackageConfig } from '../vitest.shared.js';

/** Static checks of the deployment files: Kubernetes schemas, the compose spec, Dockerfile rules, env/port/route cross-checks. */
export default definePackageConfig('deploy');
