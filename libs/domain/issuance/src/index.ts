export * from './card-number';
export * from './card-validity';
