console.log("placeholder: written by the runtimes work");
