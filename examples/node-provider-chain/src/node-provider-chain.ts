console.log("placeholder: written by the drop-in work");
