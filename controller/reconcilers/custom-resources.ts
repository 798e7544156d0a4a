// The two custom resources, addressed in their hub version v1: the controller reads and writes v1 only.
import { AI_MODEL, API_GATEWAY_ROUTE } from '../../shared/api/kinds.ts';
import { customResource } from '../../shared/kube/resource.ts';

export const AI_MODELS = customResource(AI_MODEL);
export const API_GATEWAY_ROUTES = customResource(API_GATEWAY_ROUTE);
