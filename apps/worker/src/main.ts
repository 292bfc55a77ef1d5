console.log('worker: not yet');
