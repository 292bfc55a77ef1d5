"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.hello = void 0;
const hello = (n) => 'hi ' + n;
exports.hello = hello;
//# sourceMappingURL=index.js.map