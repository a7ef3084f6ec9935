import { SetMetadata } from '@nestjs/common';
import { Permission } from './principal';

export const PERMISSION_KEY = 'vitals:permission';

/** Marks a resolver method with the permission it needs; methods without one are refused. */
export const Requires = (permission: Permission) => SetMetadata(PERMISSION_KEY, permission);
