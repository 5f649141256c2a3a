/** Places under locks: the capacity adapter and its types. */
export { createCapacity, poolKey, type Capacity, type CapacityOptions, type ClaimResult, type ClaimSpec, type PoolRef } from './capacity.js';
