import { hello } from '@app/domain';
console.log(hello('api'));
