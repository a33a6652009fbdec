export * from './applicant';
export * from './check-digits';
export * from './local-date';
export * from './prefectures';
export * from './validation';
export { codePointLength, isKatakana } from './text';
