import { SetMetadata } from '@nestjs/common';
import { Permission } from './principal';

export const PERMISSION_KEY = 'vitals:permission';
export const PUBLIC_KEY = 'vitals:public';

/** Marks a resolver method (or HTTP route) with the permission it needs; resolver methods without one are refused. */
export const Requires = (permission: Permission) => SetMetadata(PERMISSION_KEY, permission);

/** Marks an HTTP route (or controller) as open without a token; every other route needs one. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
